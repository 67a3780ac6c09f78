import { mount } from 'svelte';
import App from './lib/components/App.svelte';
import { AppState } from './lib/state/app.svelte.ts';
import './app.css';

const state = new AppState();
mount(App, { target: document.getElementById('app')!, props: { app: state } });
void state.init();
