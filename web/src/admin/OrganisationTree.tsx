import { Box, Checkbox, ScrollArea, Stack, Text } from '@mantine/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Organisation } from '../api/types';

/** The organisation tree with a checkbox per unit; picking a unit stands for its subtree when `includeSubtree`. */
export function OrganisationTree({ organisations, selected, onChange }: { organisations: Organisation[]; selected: string[]; onChange: (ids: string[]) => void }) {
  const { t } = useTranslation();
  const children = useMemo(() => {
    const map = new Map<string | null, Organisation[]>();
    const ids = new Set(organisations.map((o) => o.id));
    for (const o of organisations) {
      const parent = o.parentId && ids.has(o.parentId) ? o.parentId : null;
      map.set(parent, [...(map.get(parent) ?? []), o]);
    }
    for (const list of map.values()) list.sort((a, b) => a.name.localeCompare(b.name, 'vi'));
    return map;
  }, [organisations]);
  const chosen = new Set(selected);
  const toggle = (id: string, on: boolean) => onChange(on ? [...selected, id] : selected.filter((s) => s !== id));

  const render = (parent: string | null, depth: number): React.ReactNode =>
    (children.get(parent) ?? []).map((o) => (
      <Box key={o.id} pl={depth * 20} role="treeitem" aria-level={depth + 1} aria-selected={chosen.has(o.id)}>
        <Checkbox
          size="sm"
          my={4}
          label={
            <Text size="sm" span>
              {o.name}{' '}
              <Text span size="xs" c="dimmed">
                {t(`kind.${o.kind}`, { defaultValue: o.kind })}
              </Text>
            </Text>
          }
          checked={chosen.has(o.id)}
          onChange={(e) => toggle(o.id, e.currentTarget.checked)}
        />
        {render(o.id, depth + 1)}
      </Box>
    ));

  return (
    <ScrollArea.Autosize mah={320} type="auto">
      <Stack gap={0} role="tree" aria-label={t('campaigns.orgTree')}>
        {render(null, 0)}
      </Stack>
    </ScrollArea.Autosize>
  );
}
