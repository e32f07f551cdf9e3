import type { RouteEntry } from '../route-matrix.types.js';

const everyone200 = { anonymous: 200, collaboratorA: 200, secretaryA: 200, secretaryB: 200, admin: 200 };

export const entries: RouteEntry[] = [
  { route: 'GET /health', request: () => ({ url: '/health' }), expect: everyone200 },
  { route: 'GET /health/ready', request: () => ({ url: '/health/ready' }), expect: everyone200 },
  { route: 'GET /metrics', request: () => ({ url: '/metrics' }), expect: everyone200 },
];
