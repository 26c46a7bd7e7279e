DROP TABLE login_link_requests;
DROP TABLE login_links;
