export function UnitDashboardPage() {
  return null;
}
