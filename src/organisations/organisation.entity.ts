import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';

export const ORGANISATION_KINDS = ['bloc_committee', 'grassroots_committee', 'grassroots_cell', 'affiliated_cell', 'staff_office'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

@Entity('organisation')
export class Organisation {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) code: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text', nullable: true }) shortName: string | null;
  @Column({ type: 'text' }) kind: OrganisationKind;
  @Column({ type: 'uuid', nullable: true }) parentId: string | null;
  /** Ids from the root down to this organisation, itself included. */
  @Column({ type: 'uuid', array: true }) ancestors: string[];
  @Column({ type: 'int' }) depth: number;
  @Column({ type: 'uuid', nullable: true }) secretaryCollaboratorId: string | null;
  @Column({ type: 'boolean', default: true }) active: boolean;
  @Column({ type: 'boolean', default: false }) isDemo: boolean;
  @VersionColumn() version: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
