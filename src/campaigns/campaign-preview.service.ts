import { Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import type { Actor } from '../common/auth/actor.js';
import { targetingSql } from './campaign-targeting.sql.js';
import { normaliseTargets, SqlParams } from './campaign.sql.js';
import { CampaignService } from './campaign.service.js';

export class CampaignPreviewTasks {
  @ApiProperty({ description: 'content items × targeted channels' })
  channel!: number;
  @ApiProperty({ description: 'content items × targeted collaborators (0 unless personal shares are on)' })
  personal!: number;
  @ApiProperty()
  total!: number;
}

export class CampaignPreview {
  @ApiProperty({ format: 'uuid' })
  campaignId!: string;
  @ApiProperty({ description: 'content items in the campaign' })
  items!: number;
  @ApiProperty({ description: 'active organisations the targets reach' })
  organisations!: number;
  @ApiProperty({ description: 'targeted organisations with no active targeted channel (they will get no channel task)' })
  organisationsWithoutChannel!: number;
  @ApiProperty({ description: 'active channels of those organisations on the targeted platforms' })
  channels!: number;
  @ApiProperty({ description: 'active collaborators of those organisations with the targeted tags' })
  collaborators!: number;
  @ApiProperty({ type: CampaignPreviewTasks, description: 'the share tasks a launch would create now' })
  tasks!: CampaignPreviewTasks;
}

/** What a launch would create, counted with the same targeting rule the fan-out inserts from. */
@Injectable()
export class CampaignPreviewService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly campaigns: CampaignService,
  ) {}

  async preview(actor: Actor, id: string): Promise<CampaignPreview> {
    const campaign = await this.campaigns.get(actor, id);
    const targets = normaliseTargets(campaign.targets);
    const params = new SqlParams();
    const t = targetingSql(targets, params);
    const [row]: Array<{ organisations: number; without_channel: number; channels: number; collaborators: number }> = await this.dataSource.query(
      `WITH o AS (SELECT o.id FROM organisation o WHERE ${t.organisation('o')}),
            ch AS (SELECT ch.organisation_id FROM channel ch JOIN o ON o.id = ch.organisation_id WHERE ${t.channel('ch')})
       SELECT (SELECT count(*) FROM o)::int AS organisations,
              (SELECT count(*) FROM o WHERE NOT EXISTS (SELECT 1 FROM ch WHERE ch.organisation_id = o.id))::int AS without_channel,
              (SELECT count(*) FROM ch)::int AS channels,
              (SELECT count(*) FROM collaborator c JOIN o ON o.id = c.organisation_id WHERE ${t.collaborator('c')})::int AS collaborators`,
      params.values,
    );
    const items = campaign.itemCount ?? 0;
    const channel = items * row!.channels;
    const personal = targets.personalShares ? items * row!.collaborators : 0;
    return {
      campaignId: campaign.id,
      items,
      organisations: row!.organisations,
      organisationsWithoutChannel: row!.without_channel,
      channels: row!.channels,
      collaborators: row!.collaborators,
      tasks: { channel, personal, total: channel + personal },
    };
  }
}
