import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';

/** Tags offices use for their people; free text is allowed beyond these. */
export const KNOWN_TAGS = ['party_member', 'civil_servant', 'employee', 'union_member', 'youth_union_member', 'reporter', 'communicator'] as const;

@Entity('collaborator')
export class Collaborator {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) code: string;
  @Column({ type: 'uuid' }) organisationId: string;
  @Column({ type: 'text' }) fullName: string;
  /** E.164, e.g. +84905123456. Personal data: visible only within the person's scope. */
  @Column({ type: 'text', nullable: true }) phone: string | null;
  @Column({ type: 'text', nullable: true }) email: string | null;
  @Column({ type: 'text', nullable: true }) position: string | null;
  @Column({ type: 'text', array: true, default: () => "'{}'" }) tags: string[];
  @Column({ type: 'boolean', default: true }) active: boolean;
  @Column({ type: 'date', nullable: true }) joinedOn: string | null;
  /** The person asked to be left off the public emulation board. */
  @Column({ type: 'boolean', default: false }) boardOptOut: boolean;
  @Column({ type: 'boolean', default: false }) isDemo: boolean;
  @VersionColumn() version: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
