# One image for both production processes: `npm run api` and `npm run worker`.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
RUN npm run build
# Where the worker writes .eml files when no SMTP_URL is set (a volume in docker-compose).
RUN mkdir /outbox && chown node /outbox
USER node
EXPOSE 3000
CMD ["node", "--import", "tsx", "api/server.ts"]
