# 督办 bot image. tsx is a runtime dependency (the bot runs TypeScript directly),
# so `npm ci --omit=dev` leaves everything `npm start` needs.
FROM node:20-slim

WORKDIR /app
ENV NODE_ENV=production \
    DATA_DIR=/app/.data

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY . .
RUN mkdir -p /app/.data && chown -R node:node /app/.data
USER node

EXPOSE 3000
# node directly (not npm) so SIGTERM from `docker stop` reaches the bot and it can shut down cleanly.
CMD ["node", "--import", "tsx", "src/main.ts"]
