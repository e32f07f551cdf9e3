export function UnitCollaboratorsPage() {
  return null;
}
