import express from "express";
import { users } from "./users";

const app = express();
app.get("/users", async (_req, res) => res.json(await users()));
app.listen(3000);
