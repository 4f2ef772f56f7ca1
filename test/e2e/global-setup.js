'use strict';
// Before the end-to-end tests: a real n8n in the cache (installed once, with visible progress)
// and this project built and packed, as users would receive it.
const { installN8n, packPackage, log } = require('./n8n');

module.exports = async function globalSetup() {
	const install = await installN8n();
	log(`using n8n ${install.version} from ${install.dir}`);
	process.env.OMICALL_E2E_TARBALL = packPackage();
	log(`packed ${process.env.OMICALL_E2E_TARBALL}`);
};
