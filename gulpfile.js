const path = require('path');
const { src, dest } = require('gulp');

// tsc compiles only TypeScript, so the node and credential icons are copied beside the compiled files.
function copyIcons() {
  const nodeIcons = src('nodes/**/*.svg', { encoding: false }).pipe(dest(path.resolve('dist', 'nodes')));
  return nodeIcons.on('end', () =>
    src('credentials/**/*.svg', { encoding: false }).pipe(dest(path.resolve('dist', 'credentials'))),
  );
}

exports['build:icons'] = copyIcons;
