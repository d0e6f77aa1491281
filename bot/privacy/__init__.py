"""Privacy: export and delete a member's data; retention after a member or server leaves."""
