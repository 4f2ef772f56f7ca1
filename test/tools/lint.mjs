#!/usr/bin/env node
// `npm run lint`: the checks n8n's own gate (@n8n/scan-community-package) runs before it verifies
// a community package, configured the way that scanner configures them: once over the sources
// (package.json, nodes/, credentials/) and once over the tarball `npm pack` makes; then the GitHub
// workflows (lint-workflows.mjs).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ESLint } from 'eslint';
import { defineConfig } from 'eslint/config';
import tsParser from '@typescript-eslint/parser';
import n8nNodesPlugin from 'eslint-plugin-n8n-nodes-base';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';

import { lintWorkflows } from './lint-workflows.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// Mirrors buildScanConfig() of @n8n/scan-community-package 0.32.0.
const config = defineConfig(
	n8nCommunityNodesPlugin.configs.recommended,
	{ rules: { 'no-console': 'error' } },
	{ plugins: { 'n8n-nodes-base': n8nNodesPlugin } },
	{ files: ['package.json'], rules: { ...n8nNodesPlugin.configs.community.rules } },
	{
		files: ['**/credentials/**/*.ts'],
		rules: {
			...n8nNodesPlugin.configs.credentials.rules,
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['**/nodes/**/*.ts'],
		rules: {
			...n8nNodesPlugin.configs.nodes.rules,
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
	{ files: ['**/*.json'], languageOptions: { parser: tsParser } },
	{ files: ['**/*.ts'], languageOptions: { parser: tsParser } },
);

async function lint(label, cwd, patterns) {
	const eslint = new ESLint({ cwd, allowInlineConfig: false, overrideConfigFile: true, overrideConfig: config });
	const results = await eslint.lintFiles(patterns);
	const formatter = await eslint.loadFormatter('stylish');
	const errors = results.reduce((n, r) => n + r.errorCount, 0);
	const warnings = results.reduce((n, r) => n + r.warningCount, 0);
	const text = await formatter.format(results);
	if (text.trim()) console.log(text);
	console.log(`${label}: ${results.length} files, ${errors} errors, ${warnings} warnings`);
	return errors;
}

const sourceErrors = await lint('sources', root, ['package.json', '{nodes,credentials}/**/*.{js,ts,json}']);

if (!fs.existsSync(path.join(root, 'dist'))) {
	console.error('dist/ is missing: run `npm run build` before `npm run lint`.');
	process.exit(1);
}
const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'omicall-lint-'));
try {
	const [{ filename }] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: root, encoding: 'utf8' }));
	execFileSync('tar', ['-xzf', path.join(packDir, filename), '-C', packDir, '--strip-components=1']);
	const tarballErrors = await lint('packed tarball', packDir, ['**/*.js', '**/*.json']);
	const workflowErrors = await lintWorkflows(root);
	process.exitCode = sourceErrors + tarballErrors + workflowErrors > 0 ? 1 : 0;
} finally {
	fs.rmSync(packDir, { recursive: true, force: true });
}
