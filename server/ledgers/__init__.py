"""台账: the ledgers handed to the city as spreadsheets (XLSX and CSV), each within its caller's scope."""
