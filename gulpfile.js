// Copies what tsc does not: the icons and the codex files (*.node.json) next to the compiled
// nodes and credentials in dist/, where n8n looks for them.
const { src, dest } = require('gulp');

function copyAssets() {
	return src(['nodes/**/*.{svg,png,node.json}', 'credentials/**/*.{svg,png}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

exports['build:icons'] = copyAssets;
