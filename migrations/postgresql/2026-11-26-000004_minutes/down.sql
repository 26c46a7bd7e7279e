DROP TABLE minutes;
