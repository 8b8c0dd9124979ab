// ESLint flat config for `npm run lint`. The script runs ESLint from the repository root with `--config`, so the
// patterns below are relative to the root (ESLint 9 reads them relative to the working directory then).
//
// The rules are those n8n's `n8n-node lint` applies to a package for self-hosted n8n: typescript-eslint,
// @n8n/eslint-plugin-community-nodes without its n8n Cloud-only rules (restricted globals and imports, since
// the node uses axios and node:https), and the credentials, nodes and community rule sets of
// eslint-plugin-n8n-nodes-base. They check the shipped code (nodes/, credentials/) and package.json.
import js from '@eslint/js';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

const communityNodes = n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport;

export default tseslint.config(
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		extends: [js.configs.recommended, tseslint.configs.recommended, communityNodes],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			'no-console': 'error',
		},
	},

	{
		files: ['credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// It wants an n8n docs slug, which only nodes in n8n's own repository have, and n8n's config switches it off too.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},

	{
		files: ['nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// Both want the string 'main', which node-connection-type-literal forbids, and n8n's config switches them off too.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			// Limit's maxValue is FortiAnalyzer's own maximum of 1000 rows per task, and n8n's config switches the rule off too.
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
			// The folder is named for the product and contains both nodes and their shared client, so renaming it moves every import.
			'n8n-nodes-base/node-dirname-against-convention': 'off',
		},
	},

	{
		files: ['nodes/*/client/**/*.ts'],
		rules: {
			// The client has no n8n import by design, and helpers/nodeErrors.ts turns its typed errors into NodeApiError or NodeOperationError.
			'@n8n/community-nodes/require-node-api-error': 'off',
		},
	},

	{
		files: ['package.json'],
		extends: [communityNodes],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		languageOptions: {
			parser: tseslint.parser,
			parserOptions: { extraFileExtensions: ['.json'] },
		},
		rules: {
			...n8nNodesBase.configs.community.rules,
			// axios (keep-alive agent, TLS pinning) and zod (response schemas) run inside the node, and self-hosted n8n installs them.
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
			// The overrides pin the xlsx of the n8n 1.x test dependencies, and npm applies them only in this repository, never on install.
			'@n8n/community-nodes/no-overrides-field': 'off',
			// TODO: add the maintainers' e-mail address to "author" before publishing. Until then the rule would fail every run.
			'@n8n/community-nodes/valid-author': 'off',
		},
	},
);
