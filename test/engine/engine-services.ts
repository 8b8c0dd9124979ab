// Prepares n8n-core's process-wide services for in-process runs. Harness modules import this
// module before anything else from n8n-core.
import { removeUserFolder } from './environment';
import './logging';

import { Container } from '@n8n/di';
import { InstanceSettings } from 'n8n-core';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';

// Built here, outside any run, so its first-start messages (a new encryption key) reach no run's logger.
Container.get(InstanceSettings);

// InstanceSettings reads and writes its settings file only while it is built and keeps them in
// memory afterwards. The harness uses no other file in the user folder (binary data stays in
// memory in n8n-core 1.122's default mode), so the folder can go now rather than at an exit
// that jest never signals.
removeUserFolder();

// The SSH tunnel manager, built with the first node context, starts a 60 s cleanup interval that
// keeps the process alive after the last run. Stopping it lets jest and scripts exit. The cost is
// that an SSH tunnel opened by a node stays open when idle, until the process exits.
Container.get(SSHClientsManager).onShutdown();
