-- Demo offices for `make run`: real Indonesian immigration offices (Kantor
-- Imigrasi), each with the usual online quota of 200 appointments a day, in
-- all three of Indonesia's zones (WIB, WITA: Denpasar, Makassar; WIT: Jayapura).
-- Loaded as the owner or a superuser after `permitctl migrate up`; running it
-- again changes nothing.
INSERT INTO offices (code, name, city, daily_quota, timezone) VALUES
	('JKT-SEL', 'Kantor Imigrasi Kelas I Khusus TPI Jakarta Selatan', 'Jakarta', 200, 'Asia/Jakarta'),
	('JKT-PST', 'Kantor Imigrasi Kelas I Khusus TPI Jakarta Pusat', 'Jakarta', 200, 'Asia/Jakarta'),
	('SBY', 'Kantor Imigrasi Kelas I Khusus TPI Surabaya', 'Surabaya', 200, 'Asia/Jakarta'),
	('BDG', 'Kantor Imigrasi Kelas I TPI Bandung', 'Bandung', 200, 'Asia/Jakarta'),
	('MDN', 'Kantor Imigrasi Kelas I Khusus TPI Medan', 'Medan', 200, 'Asia/Jakarta'),
	('DPS', 'Kantor Imigrasi Kelas I TPI Denpasar', 'Denpasar', 200, 'Asia/Makassar'),
	('MKS', 'Kantor Imigrasi Kelas I Khusus TPI Makassar', 'Makassar', 200, 'Asia/Makassar'),
	('YOG', 'Kantor Imigrasi Kelas I TPI Yogyakarta', 'Yogyakarta', 200, 'Asia/Jakarta'),
	('DJJ', 'Kantor Imigrasi Kelas I TPI Jayapura', 'Jayapura', 200, 'Asia/Jayapura')
ON CONFLICT (code) DO NOTHING;
