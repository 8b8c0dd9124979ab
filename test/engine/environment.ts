import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// n8n-core keeps its instance settings (encryption key, instance id) in `<N8N_USER_FOLDER>/.n8n`
// and reads these variables when it builds its first service. Every harness module that loads
// n8n-core imports this module first, so the harness never touches the user's real n8n folder.

/** Temporary n8n user folder of this process. */
export const userFolder = mkdtempSync(join(tmpdir(), 'n8n-harness-'));

process.env.N8N_USER_FOLDER = userFolder;
// Makes n8n-core write the settings file with mode 0600 instead of warning that 0644 is too wide.
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS = 'true';

export function removeUserFolder(): void {
	rmSync(userFolder, { recursive: true, force: true });
}

// Jest 29 runs test files with its own `process` object, whose 'exit' event never fires, so
// engine-services.ts also removes the folder as soon as n8n-core has read it.
process.once('exit', removeUserFolder);
