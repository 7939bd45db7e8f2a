// Nest's webpack build (nest-cli.json), once per app: bundles only. Nest's default adds a type
// checker per app, seven full checks of the same libs (about two thirds of the build's time);
// `npm run build` runs `npm run typecheck` once instead, over the whole tree.
module.exports = (options) => ({
  ...options,
  plugins: options.plugins.filter((plugin) => plugin.constructor.name !== 'ForkTsCheckerWebpackPlugin'),
});
