-- Up Migration
-- The operators' API is a resource only operator tools may ask for: a client is one when the Métropole
-- made it so at creation (a console, `glc client add --operator-tool`), or when it holds an operator
-- role itself (`glc operator grant --client`, read from operators).
alter table clients add column is_operator_tool boolean not null default false;

