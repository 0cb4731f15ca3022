# Node.js API: the whole app is copied before `npm ci`.
FROM node:20
WORKDIR /usr/src/app
COPY . .
RUN npm ci
RUN apt-get update && apt-get install -y imagemagick
EXPOSE 3000
CMD ["npm", "run", "dev"]
