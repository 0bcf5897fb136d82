import type { LaunchOptions } from 'playwright-core';
export const CHROMIUM_ARGS: string[];
export function chromiumExecutable(): string | undefined;
export function hasChromium(): boolean;
export function launchOptions(): LaunchOptions;
