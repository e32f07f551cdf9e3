export default function AdminRoutes() {
  return null;
}
