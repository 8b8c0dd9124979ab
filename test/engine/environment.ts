import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// n8n-core keeps its instance settings (encryption key, instance id) in `<N8N_USER_FOLDER>/.n8n`
// and reads the variable when the first engine service is built. This module is imported before
// n8n-core so that the harness never touches the user's real n8n folder.

/** Temporary n8n user folder of this process, removed when the process exits. */
export const userFolder = mkdtempSync(join(tmpdir(), 'n8n-harness-'));

process.env.N8N_USER_FOLDER = userFolder;

process.once('exit', () => {
	rmSync(userFolder, { recursive: true, force: true });
});
