"""Modest name lists per naming tradition (package data: the scenario needs no download).

Names are written as a registry writes them: accents, particles (`de la`), hyphens.
Russian names are kept in Cyrillic here and transliterated where they are used.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NameList:
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split("|") if part.strip())


SPANISH_FAMILY = _split(
    "García|Hernández|López|Martínez|González|Pérez|Rodríguez|Sánchez|Ramírez|Cruz|Flores|"
    "Gómez|Morales|Vásquez|Reyes|Jiménez|Torres|Díaz|Gutiérrez|Ruiz|Mendoza|Aguilar|Ortiz|"
    "Castillo|Romero|Álvarez|Chávez|Rivera|Juárez|Ramos|Domínguez|Herrera|Medina|Castro|"
    "Vargas|Guzmán|Velásquez|Muñoz|Rojas|Contreras|Salazar|Orellana|Mejía|Escobar|Núñez|"
    "Cabrera|Ríos|Acosta|Figueroa|Cordero|Benítez|Zelaya|Portillo|Villatoro|Argueta|"
    "Hidalgo|Maldonado|Peña|Quintanilla|Fuentes|Cortés|Solís|Bonilla|Paz|Molina|Espinoza|"
    "de la Cruz|de León|del Cid|de los Santos|Montes de Oca|Ibáñez|Zúñiga|Carrillo|Ávila|"
    "Navarro|Pineda|Santos|Cano|Lara|Vega|Campos|Delgado|Aguirre|Barrios|Ochoa|Sandoval"
)
SPANISH_MALE = _split(
    "José|Juan|Luis|Carlos|Jorge|Miguel|Jesús|Francisco|Pedro|Antonio|Mario|Óscar|Marvin|"
    "Kevin|Brayan|Wilmer|Elmer|Edwin|Érick|Nelson|Santos|Ángel|Alexander|Fernando|Héctor|"
    "Rafael|Ricardo|Víctor|Rubén|Andrés|Darwin|Yeison|Jhonatan|Eduardo|Josué|Cristian|"
    "Julio César|José Luis|Juan Carlos|Luis Alberto|Miguel Ángel|José Manuel|Juan Pablo"
)
SPANISH_FEMALE = _split(
    "María|Ana|Rosa|Carmen|Guadalupe|Sandra|Gloria|Marta|Glenda|Yesenia|Karla|Wendy|Iris|"
    "Dania|Lucía|Sofía|Valeria|Daniela|Gabriela|Andrea|Paola|Alejandra|Leticia|Brenda|"
    "María José|Ana Lucía|María Fernanda|Rosa Elena|Blanca Estela|Luz Marina|Sonia|Milagros"
)
CUBAN_MALE = _split(
    "Yoandri|Yunior|Yasmany|Osmany|Yordanis|Yosvany|Yuniel|Alexei|Yoel|Dayron|Reinier|"
    "Yulier|Raúl|Ernesto|Lázaro|Alberto|Adrián|Rolando|Jorge Luis|José Ángel|Juan Miguel|"
    "Osvaldo|Yandy|Yurisán|Orlando|Roberto Carlos|Leonel|Dariel|Maikel|Yordan"
)
CUBAN_FEMALE = _split(
    "Yuleisy|Dayana|Yanet|Yaimara|Yudelkis|Mayelín|Yanelis|Arletis|Lisandra|Yusimí|"
    "Dayamí|Yaquelín|Marisleydis|Odalys|Ana Belkis|Yamilé|Niurka|Mailén|Yordanka|Tania"
)
CUBAN_FAMILY = SPANISH_FAMILY + _split(
    "Betancourt|Fonseca|Leyva|Pupo|Batista|Cedeño|Rosales|Almaguer|Guerra|Hechavarría|"
    "Ferrer|Labrada|Estrada|Ortega|Suárez|Valdés|Quesada|Cisneros|Machado|Oliva"
)
MAYAN_FAMILY = _split(
    "Xol|Tzoc|Cux|Tojín|Chuc|Ixcoy|Pérez|Chumil|Sic|Coj|Tum|Mendoza|Calel|Ajanel|Yat|"
    "Ramírez|Cac|Bámaca|Quib|López|Tzul|Cholotío|Batz|Matul|Pú"
)
PORTUGUESE = NameList(
    male=_split(
        "João|José|Antônio|Francisco|Carlos|Paulo|Pedro|Lucas|Luiz|Marcos|Gabriel|Rafael|"
        "Daniel|Marcelo|Bruno|Eduardo|Felipe|Rodrigo|Wellington|Thiago|João Pedro|Luiz Carlos"
    ),
    female=_split(
        "Maria|Ana|Francisca|Antônia|Adriana|Juliana|Márcia|Fernanda|Patrícia|Aline|Sandra|"
        "Camila|Amanda|Bruna|Jéssica|Letícia|Maria Eduarda|Ana Paula|Luciana"
    ),
    family=_split(
        "Silva|Santos|Oliveira|Souza|Rodrigues|Ferreira|Alves|Pereira|Lima|Gomes|Costa|"
        "Ribeiro|Martins|Carvalho|Almeida|Lopes|Soares|Fernandes|Vieira|Barbosa|Rocha|"
        "Dias|Nascimento|Andrade|Moreira|Nunes|Marques|Machado|Mendes|Freitas|da Silva|"
        "dos Santos|de Oliveira|de Souza|da Costa|Gonçalves|Araújo|Cardoso|Teixeira"
    ),
)
HAITIAN = NameList(
    male=_split(
        "Jean|Pierre|Jean-Baptiste|Jean-Claude|Wilner|Jean Robert|Frantz|Joseph|Rony|Wilson|"
        "Jacques|Emmanuel|Ricardo|Louis|Fritz|Yves|Dieuseul|Junior|Kervens|Stevenson"
    ),
    female=_split(
        "Marie|Rose|Marie-Claude|Nadège|Guerline|Mirlande|Fabiola|Esther|Lovely|Widline|"
        "Roseline|Nadine|Magalie|Carline|Islande|Sherline"
    ),
    family=_split(
        "Joseph|Jean|Pierre|Louis|Charles|Saint-Fleur|Jean-Baptiste|Désir|Augustin|Étienne|"
        "François|Petit-Frère|Michel|Baptiste|Dorvil|Noël|Toussaint|Célestin|Alexis|Auguste|"
        "Estimé|Delva|Fleurant|Dieudonné|Lafortune|Théodore|Vilsaint|Préval"
    ),
)
FRENCH_WEST_AFRICAN = NameList(
    male=_split(
        "Mamadou|Moussa|Ousmane|Abdoulaye|Ibrahima|Cheikh|Mohamed|Sidi|Ahmed|Amadou|Oumar|"
        "Aliou|Babacar|Modou|Samba|El Hadji|Mohamed Lemine|Sidi Mohamed|Boubacar|Souleymane"
    ),
    female=_split(
        "Fatou|Aminata|Mariama|Aïssatou|Khadija|Fatimata|Awa|Coumba|Mariem|Aïcha|Ndeye|Astou"
    ),
    family=_split(
        "Diallo|Ba|Sy|Sow|Diop|Ndiaye|Fall|Gueye|Kane|Sarr|Cissé|Camara|Touré|Traoré|"
        "Ould Ahmed|Ould Mohamed|Ould Sidi|Ould Cheikh|Mint Ahmed|Dia|Wade|Niang|Seck|Thiam"
    ),
)
INDIAN_PUNJABI = NameList(
    male=_split("Gurpreet|Harpreet|Manpreet|Jaspreet|Amandeep|Gurjeet|Harjinder|Sukhwinder|"
                "Kulwinder|Ranjit|Baljit|Jagdeep|Navdeep|Parminder|Lovepreet"),
    female=_split("Harpreet|Manpreet|Jaspreet|Amandeep|Navneet|Simranjit|Rajwinder|Kiranjit"),
    family=_split("Singh|Kaur|Sandhu|Gill|Dhillon|Sidhu|Grewal|Brar|Randhawa|Virk|Bains"),
)
INDIAN_GUJARATI = NameList(
    male=_split("Jigneshkumar|Hiren|Ketan|Nilesh|Mehul|Dharmesh|Bhavesh|Chirag|Pratik|Rakesh|"
                "Sanjay|Vishal|Darshan|Hardik|Jayesh"),
    female=_split("Bhavna|Nisha|Pooja|Hetal|Komal|Krupa|Jigna|Dipti|Rina|Payal"),
    family=_split("Patel|Shah|Desai|Chaudhari|Prajapati|Parmar|Joshi|Mehta|Thakor|Rathod"),
)
INDIAN_HINDI = NameList(
    male=_split("Rahul|Amit|Sunil|Rajesh|Vikram|Anil|Deepak|Manoj|Sandeep|Pankaj|Ravi|Arjun"),
    female=_split("Priya|Sunita|Anjali|Neha|Kavita|Pooja|Rekha|Anita|Sapna|Meena"),
    family=_split("Kumar|Sharma|Yadav|Verma|Gupta|Mishra|Chauhan|Tiwari|Saini|Rana|Pandey"),
)
CHINESE = NameList(
    male=_split("Wei|Jun|Hao|Lei|Qiang|Ming|Jian|Yong|Jie|Tao|Bin|Chao|Zhiwei|Jianguo|Xiaolong|"
                "Haoran|Zhenyu|Guoqiang|Wenbo|Jiahao"),
    female=_split("Li|Fang|Jing|Yan|Xiu Ying|Mei|Xiaoling|Hui|Min|Lan|Yanping|Na|Juan|Ting"),
    family=_split("Wang|Li|Zhang|Liu|Chen|Yang|Huang|Zhao|Wu|Zhou|Xu|Sun|Ma|Zhu|Hu|Guo|Lin|"
                  "He|Gao|Zheng|Lü|Xie|Tang|Feng|Cao|Deng"),
)
RUSSIAN_CYRILLIC = NameList(
    male=_split("Александр|Сергей|Дмитрий|Андрей|Алексей|Максим|Евгений|Иван|Михаил|Артём|"
                "Николай|Юрий|Владимир|Павел|Игорь|Денис|Олег|Вячеслав|Кирилл|Григорий"),
    female=_split("Елена|Ольга|Наталья|Татьяна|Ирина|Анна|Мария|Екатерина|Юлия|Светлана|"
                  "Ксения|Дарья"),
    family=_split("Иванов|Смирнов|Кузнецов|Попов|Васильев|Петров|Соколов|Михайлов|Новиков|"
                  "Фёдоров|Морозов|Волков|Алексеев|Лебедев|Семёнов|Егоров|Павлов|Козлов|"
                  "Степанов|Николаев|Орлов|Андреев|Макаров|Никитин|Захаров|Зайцев|Соловьёв|"
                  "Борисов|Яковлев|Григорьев|Романов|Воробьёв|Сергеев|Кравченко|Шевченко"),
)
ROMANIAN = NameList(
    male=_split("Ion|Gheorghe|Constantin|Vasile|Alexandru|Mihai|Ștefan|Florin|Adrian|Marian|"
                "Nicolae|Cristian|Ionuț|Gabriel|Răzvan|Costel|Dumitru|Sorin"),
    female=_split("Maria|Elena|Ioana|Andreea|Mihaela|Florentina|Gabriela|Ana-Maria|Nicoleta|"
                  "Daniela|Alina|Roxana"),
    family=_split("Popescu|Ionescu|Popa|Radu|Dumitru|Stan|Stoica|Gheorghe|Matei|Ciobanu|"
                  "Rusu|Lungu|Munteanu|Mihai|Constantin|Marin|Sârbu|Căldăraru|Lăcătuș|"
                  "Dinu|Toma|Moldovan|Barbu|Zamfir"),
)
ENGLISH_CARIBBEAN_WEST_AFRICAN = NameList(
    male=_split("Andre|Kemar|Damion|Ricardo|Shane|Marlon|Kwame|Kofi|Emmanuel|Samuel|Michael|"
                "Oneil|Dwayne|Kwabena|Ebenezer|Prince"),
    female=_split("Shanice|Kerry-Ann|Tashana|Abena|Akosua|Grace|Mercy|Monique|Sasha-Gaye"),
    family=_split("Brown|Williams|Campbell|Thompson|Clarke|Bennett|Gordon|Mensah|Owusu|"
                  "Boateng|Asante|Osei|McKenzie|Reid|Grant|Francis|Ampofo"),
)
SPANISH = NameList(male=SPANISH_MALE, female=SPANISH_FEMALE, family=SPANISH_FAMILY)
CUBAN = NameList(male=CUBAN_MALE, female=CUBAN_FEMALE, family=CUBAN_FAMILY)
MAYAN = NameList(male=SPANISH_MALE, female=SPANISH_FEMALE, family=MAYAN_FAMILY)
