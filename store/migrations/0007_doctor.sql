-- Answers to mspwire doctor's guided questions: settings no vendor API
-- shows (is an alert template assigned to every environment?). Each is
-- dated, so doctor asks again once it is old.
CREATE TABLE doctor_answers (
    profile     TEXT NOT NULL,
    question    TEXT NOT NULL,
    answer      TEXT NOT NULL CHECK (answer IN ('yes', 'no')),
    answered_by TEXT NOT NULL,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (profile, question)
);
