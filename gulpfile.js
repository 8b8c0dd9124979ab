const { src, dest } = require('gulp');

// tsc compiles only TypeScript, so the node and credential icons are copied beside the compiled files.
function copyIcons() {
	return src(['nodes/**/*.svg', 'credentials/**/*.svg'], { base: '.', encoding: false }).pipe(dest('dist'));
}

exports['build:icons'] = copyIcons;
