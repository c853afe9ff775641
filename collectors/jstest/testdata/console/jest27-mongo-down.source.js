// Captured as jest27-mongo-down.json and .txt: Jest 27.5.1 on Node 20, run as
// preflight runs it (jest --ci --json --testLocationInResults --outputFile=…),
// paths made /repo, with mongoose 5.11 and connect-mongo 4.4 and no MongoDB
// on the machine. app.js:

// Mirrors src/app.ts of microsoft/TypeScript-Node-Starter: mongoose + connect-mongo session store.
const express = require("express");
const session = require("express-session");
const MongoStore = require("connect-mongo");
const mongoose = require("mongoose");
const mongoUrl = "mongodb://localhost:27017/test";
mongoose.connect(mongoUrl, { useNewUrlParser: true, useCreateIndex: true, useUnifiedTopology: true })
  .catch(err => console.log(`MongoDB connection error. ${err}`));
const app = express();
app.use(session({ resave: true, saveUninitialized: true, secret: "x",
  store: new MongoStore({ mongoUrl, mongoOptions: { autoReconnect: true } }) }));
app.get("/a", (req, res) => res.send("a"));
const User = mongoose.model("User", new mongoose.Schema({ email: String }));
app.get("/b", (req, res, next) => User.findOne({ email: "x" }).exec((err, u) => err ? next(err) : res.send("b")));
module.exports = app;

// test/app.test.js:
// const request = require("supertest");
// const app = require("../app");
// describe("GET /a", () => { it("returns 200", () => request(app).get("/a").expect(200)); });
// describe("GET /b", () => { it("returns 200", () => request(app).get("/b").expect(200)); });
