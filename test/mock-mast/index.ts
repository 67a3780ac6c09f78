export { startMockMast, type MockMast, type MockMastOptions, type RequestLogEntry } from './server.ts';
export { CATALOG, type CatalogObservation, type CatalogProduct } from './catalog.ts';
