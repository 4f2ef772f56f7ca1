#!/usr/bin/env node
// `npm run lint`: n8n's own gate for community packages, @n8n/scan-community-package, run the way
// it verifies a published version (analyzePackageByName): its analyzePackage() over the sources
// (package.json, nodes/, credentials/) and over the tarball `npm pack` makes (compiled .js and
// package.json). Then what that gate leaves out:
// - its provenance check and its download of the package and of the attested source need the
//   npm registry, GitHub and a published version; before publishing, the release workflow's lint
//   (lint-workflows.mjs: a v* tag, `npm publish --provenance`, id-token: write) stands in for it;
// - it pins @n8n/eslint-plugin-community-nodes 0.29.0, and this repository's 0.32.0 (what
//   `n8n-node lint` and the next scanner use) has rules 0.29.0 does not: those rules alone run
//   here over the same files, so a rule n8n is adding fails before the scanner adopts it;
// - the GitHub workflows (lint-workflows.mjs).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ESLint } from 'eslint';
import { defineConfig } from 'eslint/config';
import tsParser from '@typescript-eslint/parser';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';

import { lintWorkflows } from './lint-workflows.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// The scanner makes a temporary folder when it is imported (for downloads this run never makes)
// and leaves it behind: give it one of ours, removed at the end.
const scannerTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'omicall-scanner-'));
const savedTmp = process.env.TMPDIR;
process.env.TMPDIR = scannerTmp;
const scanner = await import('@n8n/scan-community-package/scanner/scanner.mjs');
if (savedTmp === undefined) delete process.env.TMPDIR;
else process.env.TMPDIR = savedTmp;

const TARBALL_PATTERNS = ['**/*.js', 'package.json']; // as analyzePackageByName scans the tarball

async function scan(label, dir, patterns) {
	const result = await scanner.analyzePackage(dir, patterns);
	console.log(
		`${label} (@n8n/scan-community-package): ${result.passed ? 'passed' : `FAILED: ${result.message}`}`,
	);
	if (result.details) console.log(result.details);
	return result.passed ? 0 : 1;
}

// The rules of this repository's @n8n/eslint-plugin-community-nodes that the scanner's does not run.
const scannerConfig = await scanner.buildScanConfig();
const scannerRules = new Set(scannerConfig.flatMap((c) => Object.keys(c.rules ?? {})));
const newerRules = Object.fromEntries(
	Object.entries(n8nCommunityNodesPlugin.configs.recommended.rules).filter(
		([rule]) => !scannerRules.has(rule),
	),
);
const newerConfig = defineConfig(
	{ plugins: { '@n8n/community-nodes': n8nCommunityNodesPlugin }, rules: newerRules },
	{ files: ['**/*.json', '**/*.ts'], languageOptions: { parser: tsParser } },
);

async function lintNewer(label, cwd, patterns) {
	if (Object.keys(newerRules).length === 0) return 0;
	const eslint = new ESLint({
		cwd,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: newerConfig,
	});
	const results = await eslint.lintFiles(patterns);
	const errors = results.reduce((n, r) => n + r.errorCount, 0);
	const text = await (await eslint.loadFormatter('stylish')).format(results);
	if (text.trim()) console.log(text);
	console.log(
		`${label} (${Object.keys(newerRules).join(', ')}): ${results.length} files, ${errors} errors`,
	);
	return errors;
}

let errors = 0;
try {
	errors += await scan('sources', root, scanner.SOURCE_FILE_PATTERNS);
	errors += await lintNewer('sources, newer rules', root, scanner.SOURCE_FILE_PATTERNS);

	if (!fs.existsSync(path.join(root, 'dist'))) {
		console.error('dist/ is missing: run `npm run build` before `npm run lint`.');
		process.exit(1);
	}
	const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'omicall-lint-'));
	try {
		const [{ filename }] = JSON.parse(
			execFileSync('npm', ['pack', '--json', '--pack-destination', packDir], {
				cwd: root,
				encoding: 'utf8',
			}),
		);
		const unpacked = path.join(packDir, 'package');
		fs.mkdirSync(unpacked);
		execFileSync('tar', [
			'-xzf',
			path.join(packDir, filename),
			'-C',
			unpacked,
			'--strip-components=1',
		]);
		errors += await scan('packed tarball', unpacked, TARBALL_PATTERNS);
		errors += await lintNewer('packed tarball, newer rules', unpacked, TARBALL_PATTERNS);
	} finally {
		fs.rmSync(packDir, { recursive: true, force: true });
	}

	errors += await lintWorkflows(root);
} finally {
	fs.rmSync(scannerTmp, { recursive: true, force: true });
}
process.exitCode = errors > 0 ? 1 : 0;
