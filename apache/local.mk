# apache: (nothing yet)
