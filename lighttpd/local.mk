# lighttpd: (nothing yet)
