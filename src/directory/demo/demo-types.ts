/** Shapes of the generated demo directory, shared by the generator's parts and the seed script. */
import type { Platform } from '../../channels/platform.js';

export const DEMO_ORGANISATION_KINDS = [
  'bloc_committee',
  'staff_office',
  'grassroots_committee',
  'grassroots_cell',
  'affiliated_cell',
] as const;
export type DemoOrganisationKind = (typeof DEMO_ORGANISATION_KINDS)[number];

export const DEMO_COLLABORATOR_TAGS = [
  'party_member',
  'civil_servant',
  'employee',
  'union_member',
  'youth_union_member',
  'reporter',
  'communicator',
] as const;
export type DemoCollaboratorTag = (typeof DEMO_COLLABORATOR_TAGS)[number];

export interface DemoOrganisation {
  code: string;
  name: string;
  shortName: string;
  kind: DemoOrganisationKind;
  /** null only for the bloc committee (the root). */
  parentCode: string | null;
}

export interface DemoCollaborator {
  code: string;
  organisationCode: string;
  fullName: string;
  /** E.164, e.g. +84905123456. */
  phone: string;
  email: string;
  position: string;
  tags: DemoCollaboratorTag[];
  /** ISO date (YYYY-MM-DD). */
  joinedOn: string;
  isSecretary: boolean;
}

export interface DemoChannel {
  code: string;
  organisationCode: string;
  platform: Platform;
  name: string;
  /** Already in normaliseChannelUrl form. */
  url: string;
  audienceSize: number;
  adminCollaboratorCodes: string[];
}

export interface DemoDirectory {
  organisations: DemoOrganisation[];
  collaborators: DemoCollaborator[];
  channels: DemoChannel[];
}

export interface DemoDirectoryOptions {
  seed?: number;
  collaborators?: number;
  /** "Today" for join dates (YYYY-MM-DD); fixed by default so output does not drift with the clock. */
  asOf?: string;
}

/** What kind of body a unit is; drives sub-unit names, positions and web domains. */
export type DemoSector = 'government' | 'health' | 'education' | 'press' | 'bank' | 'enterprise';
