import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { Platform } from './platform.js';

@Entity('channel')
export class Channel {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text', nullable: true }) code: string | null;
  @Column({ type: 'uuid' }) organisationId: string;
  @Column({ type: 'text' }) platform: Platform;
  @Column({ type: 'text' }) name: string;
  /** Normalised per platform (channel-url.util.ts); unique. */
  @Column({ type: 'text' }) url: string;
  @Column({ type: 'int', nullable: true }) audienceSize: number | null;
  @Column({ type: 'timestamptz', nullable: true }) audienceCountedAt: Date | null;
  @Column({ type: 'boolean', default: true }) active: boolean;
  @Column({ type: 'boolean', default: false }) isDemo: boolean;
  @VersionColumn() version: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
