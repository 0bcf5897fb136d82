import type { Package } from 'custom-elements-manifest/schema';
export const MANIFEST_FILE: string;
export function generateManifest(): Package;
export function manifestText(manifest?: Package): string;
