import { Pool } from "pg";

const pool = new Pool();
export async function users() {
  return (await pool.query("select id, name from users")).rows;
}
