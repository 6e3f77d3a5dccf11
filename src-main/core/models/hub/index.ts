export { installModel, filesToFetch, resolveHubUrl, type InstallableEntry, type InstallOptions, type InstallResult, type DownloadProgress } from './install.ts';
export { importModel } from './import-model.ts';
export { listInstalled, removeModel, type InstalledModel } from './installed.ts';
export { detectLayout, missingFiles, requiredFiles, type ModelLayoutKind as ModelLayout } from '../layout.ts';
export { INSTALL_RECORD, readInstallRecord, type InstallRecord, type InstalledFile } from './install-record.ts';
export { proxyFor } from './proxy.ts';
