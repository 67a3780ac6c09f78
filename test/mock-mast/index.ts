export { startMockMast, type MockFaults, type MockMast, type MockMastOptions, type RequestLogEntry } from './server.ts';
export { CATALOG, NAMES, SYNTHETIC_TIC_BASE, syntheticObservations, type CatalogObservation, type CatalogProduct } from './catalog.ts';
