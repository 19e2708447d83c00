-- A person's mobile number (nomor HP), as a SIMPEG/SIASN export gives it and
-- as a message gateway (WhatsApp, Telegram) needs it (issue 18). Optional:
-- most people are reached by e-mail or in Sopir itself.
ALTER TABLE people ADD COLUMN phone TEXT;
