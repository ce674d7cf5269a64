export * from './api';
export * from './errors';
export * from './models';
export * from './system';
