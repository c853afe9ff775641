import { z } from "zod";

export const env = z
  .object({
    ADMIN_PASSWORD: z.string().default('admin'),
    ADMIN_USER: z.string().default("admin"),
    JWT_SECRET: z.string().min(32).default("dev-secret-please-change"),
    PORT: z.coerce.number().default(3000),
    LOG_LEVEL: z.string().default("info"),
  })
  .parse(process.env);

export const db = {
  user: process.env.DB_USER || "postgres",
  password: process.env.DB_PASSWORD || 'postgres',
  host: process.env.DB_HOST ?? "localhost",
  token: process.env["SERVICE_TOKEN"] ?? "",
};
