DROP TABLE login_refusals;
