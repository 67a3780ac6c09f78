/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { createViewsApi } from './views-api.ts';

Comlink.expose(createViewsApi());
