# 督办 production image, in three stages:
#   build    all dependencies, tsc compiles src/, handlers/, jobs/ into dist/
#   deps     production dependencies only (no tsx, TypeScript, vitest, search-comparison libraries)
#   runtime  node + dist/ + production node_modules + seeds/, as the unprivileged `node` user
# test/ops/image.test.ts checks these stages and runs the runtime's layout without Docker.

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs scripts/build.mjs
COPY src src
COPY handlers handlers
COPY jobs jobs
RUN node scripts/build.mjs

FROM node:20-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    DATA_DIR=/app/.data \
    PORT=3000
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
COPY seeds seeds
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000
# /healthz answers in both Lark modes (webhook and ws); /readyz says whether Redis, Lark and the queues are fine.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node directly (not npm) so SIGTERM from `docker stop` reaches the bot and it shuts down cleanly.
CMD ["node", "--max-semi-space-size=2", "dist/src/main.js"]
