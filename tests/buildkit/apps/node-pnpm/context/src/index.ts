import "dotenv/config";
import { Client } from "discord.js";
import { log } from "./log";

const client = new Client({ intents: [] });
client.once("ready", () => log.info("ready"));
client.login(process.env.TOKEN);
