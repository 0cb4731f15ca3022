require("@acme/logger");
