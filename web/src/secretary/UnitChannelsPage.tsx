export function UnitChannelsPage() {
  return null;
}
