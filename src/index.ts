/**
 * rnn-notebooks — the one public entry of the helper library that the notebooks import
 * (`import { ... } from "../dist"`). One folder per concern, re-exported here.
 */
export * from './types';
export * from './backend';
export * from './runtime';
export * from './data';
export * from './series';
export * from './metrics';
export * from './models';
export * from './engine';
export * from './train';
export * from './plot';
